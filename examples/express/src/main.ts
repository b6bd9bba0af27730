import { closeOnSignals } from '@syncline/server';
import { createExpressApp } from './app.js';

const app = await createExpressApp();
const port = await app.listen(Number(process.env['PORT'] ?? 3000));
closeOnSignals(app);
console.log(`Express and Syncline on http://localhost:${port}`);
