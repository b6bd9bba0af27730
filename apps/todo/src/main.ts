import { closeOnSignals, loadConfig } from '@syncline/server';
import { createTodoApp } from './create-todo-app.js';
import { loadTodoConfig } from './todo-config.js';

// `npm start`: the demo on the embedded default (a SQLite file, the in-process backplane),
// no other service. DATABASE_URL=postgres://… and REDIS_URL=redis://… turn it into one
// node of a cluster.
const config = loadConfig(process.env);
const app = await createTodoApp({ config, sharing: loadTodoConfig(process.env).sharing });
const { port } = await app.listen(config.port, config.host);
console.log(`Syncline demo on http://localhost:${port}: the TODO app (/lists, /todos) and the polls app (/polls), pages for browsers and JSON for programs at the same URLs; live: ws://localhost:${port}${config.livePath}`);

// SIGTERM and SIGINT close gracefully: running requests answer, sockets close with 1001.
closeOnSignals(app);
