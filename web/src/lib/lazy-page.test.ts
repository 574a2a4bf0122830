import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { lazyPage } from './lazy-page';

const Hello = ({ name }: { name: string }) => createElement('p', null, `Hello ${name}`);

describe('lazyPage', () => {
  it('shows Loading until the code is here, then renders the page at once, without suspending', async () => {
    let loads = 0;
    const Page = lazyPage(() => {
      loads++;
      return Promise.resolve({ default: Hello });
    });
    expect(renderToStaticMarkup(createElement(Page, { name: 'Ana' }))).toContain('Loading');
    expect(await Page.preload()).toBe(Hello);
    expect(renderToStaticMarkup(createElement(Page, { name: 'Ana' }))).toBe('<p>Hello Ana</p>');
    await Page.preload();
    expect(loads).toBe(1);
  });

  it('asks for code that failed to load again on the next try', async () => {
    let loads = 0;
    const { preload } = lazyPage<{ name: string }>(() =>
      ++loads === 1 ? Promise.reject(new Error('chunk gone')) : Promise.resolve({ default: Hello }),
    );
    await expect(preload()).rejects.toThrow('chunk gone');
    expect(await preload()).toBe(Hello);
    expect(loads).toBe(2);
  });
});
