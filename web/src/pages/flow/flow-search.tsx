import { useState, type FormEvent } from 'react';

/** A search box for the flow: Enter selects the first dataset or recipe whose name holds the text. */
export function FlowSearch({ onFind }: { onFind: (text: string) => boolean }) {
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMissing(!onFind(text));
  };
  return (
    <form role="search" className="row gap-2" onSubmit={submit}>
      <input
        type="search"
        aria-label="Find a dataset or recipe"
        placeholder="Find in the flow"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setMissing(false);
        }}
        className="input-s"
        aria-invalid={missing}
        aria-describedby={missing ? 'flow-search-missing' : undefined}
      />
      {missing ? (
        <span id="flow-search-missing" className="small text-bad" role="status">
          No match
        </span>
      ) : null}
    </form>
  );
}
