export default function Page() { return <div>TODO recipes</div>; }
