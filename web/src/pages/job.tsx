export default function Page() { return <div>TODO job</div>; }
