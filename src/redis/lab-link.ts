// What the sandbox knows of a lab lesson's topology: which ports are the lab's, and on which node the learner types.
import type { Redis } from 'ioredis';

export interface LabLink {
  /** Every lab node's port: commands may name these (REPLICAOF, MIGRATE, CLUSTER MEET), no other server. */
  readonly ports: ReadonlySet<number>;
  /** The nodes the learner may type at (data nodes and Sentinels), in start order. */
  readonly names: readonly string[];
  /** Where the learner's commands go when an exercise names no node: the lab's first data node. */
  readonly home: string;
  /** The node the learner's commands go to now (an exercise's `node`, or `:node NAME`). */
  target: string;
  /** The recorded connection the learner's commands use on a node (made once, reconnects after a restart). */
  learnerConnection(name: string): Promise<Redis>;
  /**
   * What lesson texts and command lines may name, known only once the lab runs: `{port:replica-1}` (its port),
   * `{id:node-2}` (a cluster node's id). Sandbox.expand fills them in, as it does {ns}.
   */
  readonly vars: ReadonlyMap<string, string>;
  /** A line per node: name, role, address, up or down (for `:node`). */
  describe(): Promise<string[]>;
}
