export default function Page() { return <div>TODO scenarios</div>; }
export interface ScenarioSummary { name: string; label?: string; enabled?: boolean }
