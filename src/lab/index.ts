// The production lab: replication, Sentinel and Cluster topologies from the system's redis-server.
export { Lab, startLab, type LabOptions, type NodeRef } from './lab.js';
export { LabError } from './lab-error.js';
export { LabNode } from './node-process.js';
export { probeNode, probeNodes, processState, type NodeHealth, type NodeState } from './probe.js';
export { adminCall, adminInfo, AdminReplyError, type AdminReply } from './admin.js';
export type { ClusterCreate } from './cluster.js';
export * from './topology.js';
