/**
 * A loopback target system that keeps who has access: `POST /access/<email>/<permission>`
 * grants, `DELETE` removes. Each answer can be held back until the test lets it go, and can
 * fail; the change takes effect when the answer leaves (the latest moment a real system could
 * apply it), so a held removal still lands after anything that reached the server meanwhile.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Parking } from './parking';

export interface Behaviour {
  /** Hold each call in `held` until the test releases it; the change and the answer come then. */
  hold?: boolean;
  /** HTTP status to answer with; a non-2xx answer changes nothing. */
  status?: number;
}

export interface TargetCall {
  method: string;
  access: string;
  status: number;
}

/** A call held at the target; `answered` settles once it is released, its change made and its answer sent. */
export interface HeldCall {
  method: string;
  access: string;
  answered: Promise<void>;
}

export interface AccessTarget {
  origin: string;
  /** `<email>#<permission>` of everyone who has access now. */
  access: Set<string>;
  calls: TargetCall[];
  provision: Behaviour;
  deprovision: Behaviour;
  /** Calls held back (`hold`), in the order they arrived. */
  held: Parking<HeldCall>;
  close(): Promise<void>;
}

/** `POST` or `DELETE` of `/access/<email>/<permission>`, as the call and the access it is about. */
function callOf(method: string, url: string): { method: string; access: string } | null {
  const match = /^\/access\/([^/]+)\/([^/]+)$/.exec(url);
  if (!match || (method !== 'POST' && method !== 'DELETE')) return null;
  return { method, access: `${decodeURIComponent(match[1] as string)}#${decodeURIComponent(match[2] as string)}` };
}

export async function startAccessTarget(): Promise<AccessTarget> {
  const target = { access: new Set<string>(), calls: [] as TargetCall[], provision: {} as Behaviour, deprovision: {} as Behaviour };
  const held = new Parking<HeldCall>();

  /** Held first if asked; then the change (a 2xx only) and the answer leave together. */
  async function carryOut({ method, access }: { method: string; access: string }, response: ServerResponse): Promise<void> {
    const behaviour = method === 'POST' ? target.provision : target.deprovision;
    const status = behaviour.status ?? 204;
    let answered = () => {};
    if (behaviour.hold === true) await held.park({ method, access, answered: new Promise<void>((resolve) => (answered = resolve)) });
    if (status >= 200 && status < 300) {
      if (method === 'POST') target.access.add(access);
      else target.access.delete(access);
    }
    target.calls.push({ method, access, status });
    response.writeHead(status).end();
    answered();
  }

  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const call = callOf(request.method ?? '', request.url ?? '');
      if (call === null) response.writeHead(404).end();
      else void carryOut(call, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    access: target.access,
    calls: target.calls,
    held,
    get provision() {
      return target.provision;
    },
    set provision(behaviour: Behaviour) {
      target.provision = behaviour;
    },
    get deprovision() {
      return target.deprovision;
    },
    set deprovision(behaviour: Behaviour) {
      target.deprovision = behaviour;
    },
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        held.releaseAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
