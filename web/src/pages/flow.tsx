export default function Page() { return <div>TODO flow</div>; }
