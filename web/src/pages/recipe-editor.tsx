export default function Page() { return <div>TODO recipe-editor</div>; }
