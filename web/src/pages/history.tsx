export default function Page() { return <div>TODO history</div>; }
