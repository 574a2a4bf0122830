import { describe, expect, it } from 'vitest';
import { quickLayout } from './flow-layout';

describe('the provisional flow layout', () => {
  it('puts each node in the column of its longest path from a source', () => {
    const p = quickLayout({
      nodes: [
        { id: 'dataset:a', kind: 'dataset', name: 'a' },
        { id: 'recipe:r', kind: 'recipe', name: 'r' },
        { id: 'dataset:b', kind: 'dataset', name: 'b' },
        { id: 'dataset:c', kind: 'dataset', name: 'c' },
      ],
      edges: [
        { from: 'dataset:a', to: 'recipe:r' },
        { from: 'dataset:c', to: 'recipe:r' },
        { from: 'recipe:r', to: 'dataset:b' },
      ],
    });
    expect(p.get('dataset:a')).toEqual({ x: 0, y: 0 });
    expect(p.get('dataset:c')).toEqual({ x: 0, y: 90 });
    expect(p.get('recipe:r')!.x).toBe(250);
    expect(p.get('dataset:b')!.x).toBe(500);
  });
});
