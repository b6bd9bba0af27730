// Not part of the app: the consumer test bundles this for the browser and expects both bundlers
// to refuse it, which proves their guard against Node built-ins can fail.
import { filePersistence } from '@syncline/client/node';

export const persistence = filePersistence;
