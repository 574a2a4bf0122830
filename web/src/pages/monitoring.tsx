export default function Page() { return <div>TODO monitoring</div>; }
