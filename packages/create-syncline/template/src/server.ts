import { closeOnSignals, loadConfig } from '@syncline/server';
import { createApp } from './app.js';

// `npm start`: the app on a SQLite file (DATABASE_URL, default sqlite:data/syncline.db) and PORT (default 3000).
const config = loadConfig(process.env);
const app = await createApp({ config });
const { port } = await app.listen(config.port, config.host);
console.log(`Listening on http://localhost:${port}`);

// SIGTERM and SIGINT close gracefully: running requests answer, sockets close.
closeOnSignals(app);
