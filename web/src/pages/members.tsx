export default function Page() { return <div>TODO members</div>; }
