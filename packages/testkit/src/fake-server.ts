/**
 * The server machinery every fake upstream shares: a real `node:http` server on 127.0.0.1 (ephemeral
 * port) that tracks its sockets, records every request, plays the FIFO script queue on POST requests,
 * counts client aborts and releases everything on `close()`. A fake adds only its wire format: the auth
 * rule, how a request is recorded, the scripted-response player and the default routes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { destroyConnection, type ErrorAnswer, type Exchange } from './exchange.js';
import { type ParsedBody, type RequestTarget, readIncomingRequest } from './incoming-request.js';
import type { RecordedRequest } from './types.js';

/** What a default route gets: the split request line, the fake's record and the body as JSON. */
export interface RoutedRequest<TRecorded> extends RequestTarget {
  recorded: TRecorded;
  json: ParsedBody;
}

export interface FakeServerOptions<TScripted, TRecorded> {
  /** Turns the common record into the fake's own (extra fields such as how the key was sent). */
  record(recorded: RecordedRequest, target: RequestTarget): TRecorded;
  /** Checked first, on every request: answers (e.g. a 401) and returns false to refuse it. */
  authorize?(exchange: Exchange, recorded: TRecorded): boolean;
  /** Plays the next scripted response; only POST requests take one from the queue. */
  play(exchange: Exchange, scripted: TScripted): Promise<void>;
  /** Answers when nothing is scripted: the fake's default behaviour. */
  route(exchange: Exchange, request: RoutedRequest<TRecorded>): void | Promise<void>;
  /** Answers an unexpected failure (a 500) in the fake's error format. */
  sendError(exchange: Exchange, answer: ErrorAnswer): void;
}

/** The controls every fake exposes (each fake adds its base `url`). */
export interface FakeServer<TScripted, TRecorded> {
  /** Every request received since start (or the last `reset()`), in arrival order. */
  readonly requests: TRecorded[];
  /** Requests whose client went away before the response finished. */
  readonly aborts: number;
  lastRequest(): TRecorded | undefined;
  /** Queues responses (FIFO) for the next POST requests; the default behaviour resumes once empty. */
  script(...responses: TScripted[]): void;
  /** Sockets currently open, to detect connection leaks. */
  openConnections(): number;
  /** Clears the script queue, recorded requests and counters. */
  reset(): void;
  /** Stops the server, destroys open sockets and releases pending timers. */
  close(): Promise<void>;
}

function listen(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts a fake on 127.0.0.1 with an ephemeral port; resolves with its origin and its controls. */
export async function startFakeServer<TScripted, TRecorded>(
  options: FakeServerOptions<TScripted, TRecorded>,
): Promise<{ origin: string; server: FakeServer<TScripted, TRecorded> }> {
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();
  const queue: TScripted[] = [];
  const requests: TRecorded[] = [];
  let aborts = 0;
  let requestCounter = 0;
  let generation = 0;
  let closing = false;

  async function answer(exchange: Exchange, request: RoutedRequest<TRecorded>): Promise<void> {
    if (options.authorize !== undefined && !options.authorize(exchange, request.recorded)) return;
    if (request.method === 'POST') {
      const scripted = queue.shift();
      if (scripted !== undefined) return options.play(exchange, scripted);
    }
    return options.route(exchange, request);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    requestCounter += 1;
    const requestGeneration = generation;
    const controller = new AbortController();
    inFlight.add(controller);
    const exchange: Exchange = {
      request,
      response,
      signal: controller.signal,
      requestNumber: requestCounter,
      startedAt: receivedAt,
      destroyedByServer: false,
    };
    response.once('close', () => {
      inFlight.delete(controller);
      const clientLeft = !response.writableFinished && !exchange.destroyedByServer && !closing;
      if (clientLeft && requestGeneration === generation) aborts += 1;
      controller.abort();
    });

    try {
      const { target, recorded, json } = await readIncomingRequest(request, controller.signal, receivedAt);
      const ownRecord = options.record(recorded, target);
      requests.push(ownRecord);
      await answer(exchange, { ...target, recorded: ownRecord, json });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (!response.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        options.sendError(exchange, { status: 500, message: `Fake upstream failure: ${message}` });
      } else if (!response.writableEnded) {
        destroyConnection(exchange);
      }
    }
  }

  const httpServer = createServer((request, response) => {
    void handle(request, response);
  });
  // Longer than common client idle timeouts (undici: 4 s), so a reused socket is never closed under a client.
  httpServer.keepAliveTimeout = 10_000;
  httpServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await listen(httpServer);
  const { port } = httpServer.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  const server: FakeServer<TScripted, TRecorded> = {
    get requests(): TRecorded[] {
      return requests;
    },
    get aborts(): number {
      return aborts;
    },
    lastRequest: () => requests.at(-1),
    script: (...responses: TScripted[]) => {
      queue.push(...responses);
    },
    openConnections: () => sockets.size,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      aborts = 0;
      requestCounter = 0;
      generation += 1;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        for (const controller of inFlight) controller.abort();
        inFlight.clear();
        httpServer.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
  return { origin: `http://127.0.0.1:${port}`, server };
}
