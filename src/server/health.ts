import type { GoType, MethodTypes } from '../codec/go-type.js';
import { ErrorCode, RpcError } from '../errors.js';

/** ServingStatus is a service's health as grpc.health.v1 names it. */
export type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** HealthCheckRequest is the argument of `Health.Check`: `Service: ""` asks about the whole server. */
export interface HealthCheckRequest {
  readonly Service?: string;
}

/** HealthCheckResponse is the reply of `Health.Check`. */
export interface HealthCheckResponse {
  readonly Status: ServingStatus;
}

/** HEALTH_SERVICE is the name the built-in health service is served under. */
export const HEALTH_SERVICE = 'Health';

const STATUSES: readonly ServingStatus[] = ['SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** The Go types of Health.Check, so gob peers see `struct{ Service string }` and `struct{ Status string }`. */
export const HEALTH_TYPES: Readonly<Record<string, MethodTypes>> = {
  Check: {
    args: { kind: 'struct', name: 'HealthCheckRequest', fields: [{ name: 'Service', type: { kind: 'string' } }] } satisfies GoType,
    reply: { kind: 'struct', name: 'HealthCheckResponse', fields: [{ name: 'Status', type: { kind: 'string' } }] } satisfies GoType,
  },
};

/**
 * HealthState holds the serving status the built-in `Health.Check` reports,
 * with grpc.health.v1's meaning: `""` is the whole server, SERVING until
 * set otherwise; a registered service is SERVING unless set otherwise;
 * any other name is SERVICE_UNKNOWN until set. Once the server starts
 * shutting down (`shutDown()`), every status reads NOT_SERVING, as in
 * grpc-go's Shutdown, and setting one no longer changes that.
 */
export class HealthState {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly isRegistered: (service: string) => boolean;
  private shuttingDown = false;

  /** `isRegistered` tells whether a user service of that name exists. */
  constructor(isRegistered: (service: string) => boolean) {
    this.isRegistered = isRegistered;
  }

  /** set records `service`'s status (`""`: the whole server). Throws RpcError (RPC_INVALID_ARGUMENT) for an unknown status. */
  set(service: string, status: ServingStatus): void {
    if (!STATUSES.includes(status)) {
      throw new RpcError(ErrorCode.InvalidArgument, `rpc: unknown serving status ${JSON.stringify(status)}; want ${STATUSES.join(', ')}`);
    }
    this.statuses.set(service, status);
  }

  /** status is what Health.Check answers for `service`. */
  status(service: string): ServingStatus {
    const set = this.statuses.get(service);
    const known = set !== undefined ? set : service === '' || this.isRegistered(service) ? 'SERVING' : 'SERVICE_UNKNOWN';
    return this.shuttingDown && known !== 'SERVICE_UNKNOWN' ? 'NOT_SERVING' : known;
  }

  /** shutDown turns every known status to NOT_SERVING for good. */
  shutDown(): void {
    this.shuttingDown = true;
  }

  /** service is the built-in `Health` service object: `Check({ Service })` → `{ Status }`. */
  service(): { Check(args: HealthCheckRequest | null | undefined): HealthCheckResponse } {
    const check = (args: HealthCheckRequest | null | undefined): HealthCheckResponse => {
      const name = args?.Service ?? '';
      if (typeof name !== 'string') throw new RpcError(ErrorCode.InvalidArgument, 'rpc: Health.Check wants { Service: string }');
      return { Status: this.status(name) };
    };
    return { Check: check };
  }
}
