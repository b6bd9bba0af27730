import { useCollection, useMutation } from '@syncline/react';
import { useState, type FormEvent } from 'react';
import { items } from './resources.js';

/** The live list: every browser and program writing to `/items` shows here at once. */
export function Items() {
  const { data, status, error } = useCollection(items, { order: 'createdAt' });
  const { patch, delete: remove } = useMutation(items);
  if (status === 'error') return <p role="alert">Could not load the items: {error?.message}</p>;
  if (status === 'loading') return <p role="status">Loading…</p>;
  return (
    <ul aria-label="Items">
      {data.map((item) => (
        <li key={item.id}>
          <label>
            <input type="checkbox" checked={item.done} onChange={(event) => void patch(item.id, { done: event.target.checked })} />
            {item.title}
          </label>
          <button type="button" aria-label={`Delete ${item.title}`} onClick={() => void remove(item.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

function NewItem() {
  const [title, setTitle] = useState('');
  const { create, pending, error } = useMutation(items);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create({ title })) setTitle('');
  };
  return (
    <form onSubmit={(event) => void submit(event)}>
      <input aria-label="New item" value={title} onChange={(event) => setTitle(event.target.value)} />
      <button disabled={pending}>Add</button>
      {error && <p role="alert">{error.message}</p>}
    </form>
  );
}

/** The page: a form, and the live list, which can be hidden (unmounting it ends its subscription). */
export function App() {
  const [shown, setShown] = useState(true);
  return (
    <main>
      <h1>Items</h1>
      <NewItem />
      <button type="button" onClick={() => setShown(!shown)}>
        {shown ? 'Hide the list' : 'Show the list'}
      </button>
      {shown && <Items />}
    </main>
  );
}
