import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A ref holding the latest `value`, for callbacks registered once (an effect, a chart's click
 * handler, an interval) that must see the current props without re-registering. It is updated
 * after each render, before the component's other effects run, not during render.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
