/**
 * A loopback target system that keeps who has access: `POST /access/<email>/<permission>`
 * grants, `DELETE` removes. Each answer can be held back and can fail; the change takes effect
 * when the answer leaves (the latest moment a real system could apply it), so a slow removal
 * still lands after anything that reached the server meanwhile.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Behaviour {
  /** Delay before answering, ms; a pair is a random range. */
  delayMs?: number | [number, number];
  /** HTTP status to answer with; a non-2xx answer changes nothing. */
  status?: number;
}

export interface TargetCall {
  method: string;
  access: string;
  status: number;
}

export interface AccessTarget {
  origin: string;
  /** `<email>#<permission>` of everyone who has access now. */
  access: Set<string>;
  calls: TargetCall[];
  provision: Behaviour;
  deprovision: Behaviour;
  close(): Promise<void>;
}

const delayOf = (behaviour: Behaviour): number => {
  const { delayMs = 0 } = behaviour;
  return Array.isArray(delayMs) ? delayMs[0] + Math.random() * (delayMs[1] - delayMs[0]) : delayMs;
};

export async function startAccessTarget(): Promise<AccessTarget> {
  const target = { access: new Set<string>(), calls: [] as TargetCall[], provision: {} as Behaviour, deprovision: {} as Behaviour };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const match = /^\/access\/([^/]+)\/([^/]+)$/.exec(request.url ?? '');
      const method = request.method ?? '';
      if (!match || (method !== 'POST' && method !== 'DELETE')) return response.writeHead(404).end();
      const access = `${decodeURIComponent(match[1] as string)}#${decodeURIComponent(match[2] as string)}`;
      const behaviour = method === 'POST' ? target.provision : target.deprovision;
      const status = behaviour.status ?? 204;
      setTimeout(() => {
        if (status >= 200 && status < 300) {
          if (method === 'POST') target.access.add(access);
          else target.access.delete(access);
        }
        target.calls.push({ method, access, status });
        response.writeHead(status).end();
      }, delayOf(behaviour));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    access: target.access,
    calls: target.calls,
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
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
