import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * Text typed in an input and kept in a URL search parameter (a search box that survives a
 * reload). The text is held locally as well: bound to the URL alone, an input loses keystrokes
 * typed before the router has caught up. Changes of the URL from elsewhere (back, "clear
 * filters") come back into the text.
 */
export function useUrlText(name: string): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const fromUrl = params.get(name) ?? '';
  const [text, setText] = useState(fromUrl);
  // Values we wrote that the URL may still report, oldest first. Under load the router applies
  // them after later keystrokes, so an older one coming back is not a navigation to adopt.
  const pending = useRef<string[]>([]);
  useEffect(() => {
    const ours = pending.current.indexOf(fromUrl);
    if (ours >= 0) {
      pending.current = pending.current.slice(ours + 1);
      return;
    }
    // A change we did not make (back button, link): the URL wins.
    pending.current = [];
    setText(fromUrl);
  }, [fromUrl]);
  const set = (value: string) => {
    setText(value);
    pending.current.push(value);
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  };
  return [text, set];
}
