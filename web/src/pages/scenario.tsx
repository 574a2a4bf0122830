export default function Page() { return <div>TODO scenario</div>; }
