import { useEffect, useState, type ComponentType } from 'react';
import { ErrorAlert, Loading } from '../components/ui';

type PageModule<P> = { default: ComponentType<P> };

/** A page component whose code loads on first render; `preload` asks for it ahead. */
export type LazyPage<P> = ComponentType<P> & { preload: () => Promise<ComponentType<P>> };

/**
 * A page whose code loads on first visit, like `React.lazy` but without Suspense: React holds
 * back the content a Suspense boundary reveals until 300 ms after its fallback showed (its
 * "fallback throttle"), and a dashboard opened by its address waited there a third of its load
 * with every tile's data in (a Chromium trace of bench/dashboards.ts). Here the page shows
 * `Loading` until its code is here, then renders in the same task; once loaded, at once.
 * `preload` fetches the code ahead (a page opened by its address starts it before React renders).
 */
export function lazyPage<P extends object>(load: () => Promise<PageModule<P>>): LazyPage<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const preload = () => {
    loading ??= load().then(
      (module) => (loaded = module.default),
      (error: unknown) => {
        // A failed chunk (a deploy replaced it, the network dropped) is asked for again next time.
        loading = null;
        throw error;
      },
    );
    return loading;
  };
  function Page(props: P) {
    const [Component, setComponent] = useState<ComponentType<P> | null>(() => loaded);
    const [error, setError] = useState<unknown>(null);
    useEffect(() => {
      if (Component) return;
      let current = true;
      preload().then(
        (component) => current && setComponent(() => component),
        (e: unknown) => current && setError(e),
      );
      return () => {
        current = false;
      };
    }, [Component]);
    if (error)
      return (
        <ErrorAlert title="This page's code did not load" error={error} onRetry={() => window.location.reload()} />
      );
    return Component ? <Component {...props} /> : <Loading />;
  }
  return Object.assign(Page, { preload });
}
