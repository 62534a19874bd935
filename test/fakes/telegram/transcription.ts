/**
 * An OpenAI-compatible speech-to-text endpoint (POST /v1/audio/transcriptions, multipart) for the voice
 * tests. The "audio" a test sends is UTF-8 text, and the transcript is that text: deterministic, and the
 * real `openai` client still builds, sends and parses the real request and answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './body.ts';

export interface TranscriptionRequest {
  readonly model: string;
  readonly filename: string;
  readonly bytes: number;
  readonly authorization: string | undefined;
}

export interface FakeTranscription {
  /** OPENAI_BASE_URL for the client. */
  readonly baseURL: string;
  readonly requests: TranscriptionRequest[];
  /** Answer the next request with this HTTP status instead of a transcript. */
  failNext(status: number): void;
  stop(): Promise<void>;
}

export async function startFakeTranscription(): Promise<FakeTranscription> {
  const requests: TranscriptionRequest[] = [];
  const failures: number[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const { params, files } = await readBody(req);
      const file = files.get('file');
      if (req.url !== '/v1/audio/transcriptions' || !file || typeof params.model !== 'string') {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'bad request' } }));
        return;
      }
      requests.push({
        model: params.model,
        filename: file.filename,
        bytes: file.bytes.length,
        authorization: req.headers.authorization,
      });
      const status = failures.shift();
      if (status) {
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'unavailable' } }));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ text: file.bytes.toString('utf8') }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    failNext: (status) => void failures.push(status),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
