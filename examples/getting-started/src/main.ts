import { createNotesServer } from './server.js';

const syncline = await createNotesServer();
const { port } = await syncline.listen(3000);
console.log(`Notes on http://localhost:${port}/notes, live on ws://localhost:${port}/live`);
