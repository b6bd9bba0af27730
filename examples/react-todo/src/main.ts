import { startExample } from './server.js';

const { port } = await startExample(Number(process.env['PORT'] ?? 3001), process.env['HOST'] ?? '127.0.0.1');
console.log(`Items on http://127.0.0.1:${port} (React, live); JSON at /items`);
