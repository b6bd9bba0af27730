import { closeOnSignals } from '@syncline/server';
import { createFastifyApp } from './app.js';

const app = await createFastifyApp();
const port = await app.listen(Number(process.env['PORT'] ?? 3000));
closeOnSignals(app);
console.log(`Fastify and Syncline on http://localhost:${port}`);
