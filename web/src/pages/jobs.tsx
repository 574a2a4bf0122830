export default function Page() { return <div>TODO jobs</div>; }
