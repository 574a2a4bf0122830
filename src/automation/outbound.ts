import { OutboundPolicy } from '../common/outbound/address-policy.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/** The workspace's outbound policy (LLANO_OUTBOUND_ALLOW), parsed once. */
export const outboundPolicy = workspaceSlot('automation.outbound-policy', (ws: Workspace) =>
  OutboundPolicy.parse(ws.config.outboundAllow),
);
