import { useCallback, useRef, useState, type ReactNode } from 'react';
import { Modal } from './ui';

export interface ConfirmOptions {
  /** The question, as the dialog's title: "Delete dataset receiver_temps?" */
  title: string;
  /** What else the action affects, so nobody learns it afterwards. */
  body: ReactNode;
  /** The confirming button's label: says the action ("Delete dataset"), never "OK"; empty for a notice that only closes. */
  confirm: string;
  /** Red confirming button, for actions that lose data. */
  danger?: boolean;
}

/**
 * The app's own confirmation dialog (not the browser's): `ask(options)` opens it and resolves
 * to whether the user confirmed; render `dialog` once in the component.
 */
export function useConfirm(): { ask: (o: ConfirmOptions) => Promise<boolean>; dialog: ReactNode } {
  const [options, setOptions] = useState<ConfirmOptions | null>(null);
  const resolver = useRef<((ok: boolean) => void) | null>(null);
  const ask = useCallback(
    (o: ConfirmOptions) =>
      new Promise<boolean>((resolve) => {
        resolver.current?.(false);
        resolver.current = resolve;
        setOptions(o);
      }),
    [],
  );
  const finish = (ok: boolean) => {
    resolver.current?.(ok);
    resolver.current = null;
    setOptions(null);
  };
  const dialog = (
    <Modal
      open={options !== null}
      title={options?.title ?? ''}
      onClose={() => finish(false)}
      footer={
        <>
          <button type="button" className="btn" onClick={() => finish(false)}>
            {options?.confirm ? 'Cancel' : 'Close'}
          </button>
          {options?.confirm ? (
            <button
              type="button"
              className={`btn ${options.danger ? 'danger' : 'primary'}`}
              onClick={() => finish(true)}
              autoFocus
            >
              {options.confirm}
            </button>
          ) : null}
        </>
      }
    >
      <div className="confirm-body">{options?.body}</div>
    </Modal>
  );
  return { ask, dialog };
}
