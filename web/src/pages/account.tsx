export default function Page() { return <div>TODO account</div>; }
