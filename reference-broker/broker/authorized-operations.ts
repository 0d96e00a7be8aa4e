// The "authorized operations" bit fields Kafka returns when a client asks for them. With no
// authorizer configured Kafka allows every operation a resource type supports (AclEntry's
// supportedOperations); when not asked, the field holds Integer.MIN_VALUE.

/** AclOperation codes. */
const READ = 3;
const WRITE = 4;
const CREATE = 5;
const DELETE = 6;
const ALTER = 7;
const DESCRIBE = 8;
const CLUSTER_ACTION = 9;
const DESCRIBE_CONFIGS = 10;
const ALTER_CONFIGS = 11;
const IDEMPOTENT_WRITE = 12;

export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

function bitField(operations: readonly number[]): number {
  return operations.reduce((bits, op) => bits | (1 << op), 0);
}

export const TOPIC_OPERATIONS = bitField([READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS]);
export const CLUSTER_OPERATIONS = bitField([CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE]);
export const GROUP_OPERATIONS = bitField([READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS]);
