import { request } from 'node:http';

// A separate process that uploads bodies with node's `http`, as a program on another machine
// would: its reads race the server's close for real (in the server's own process they never do).
// Usage: upload-client.ts <port> <declared|chunked> <count> <bytes> [path] [content-type]; prints
// one line of JSON: per upload, the status it read (with a problem's code and `connection`), or the error it met.

const [portText = '', mode = 'declared', countText = '1', bytesText = '0', path = '/lists', type = 'application/json'] = process.argv.slice(2);
const port = Number(portText);
const bytes = Number(bytesText);
const piece = Buffer.alloc(64 * 1024, 0x20);

function upload(): Promise<string> {
  return new Promise((resolve) => {
    const headers = { 'content-type': type, ...(mode === 'declared' ? { 'content-length': bytes } : { 'transfer-encoding': 'chunked' }) };
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(`${res.statusCode} ${body.startsWith('{') ? (JSON.parse(body) as { code?: string }).code : '-'} ${res.headers.connection}`));
      res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    // Careless clients: the whole body handed over at once (`req.end(buffer)`, as fetch does), or streamed on after the answer came.
    if (mode === 'declared') return void req.end(Buffer.alloc(bytes, 0x20));
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        sent += piece.byteLength;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const answers: string[] = [];
for (let i = 0; i < Number(countText); i++) answers.push(await upload());
process.stdout.write(`${JSON.stringify(answers)}\n`);
