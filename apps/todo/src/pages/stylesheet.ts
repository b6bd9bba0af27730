/**
 * The app's stylesheet, served at `/assets/app.css`. Small on purpose: readable type,
 * visible focus, and `.js-hidden` for controls only browsers without JavaScript need.
 */
export const STYLESHEET = `
:root { font-family: system-ui, sans-serif; color: #1d1d1f; background: #f6f6f4; }
body { max-width: 60rem; margin: 0 auto; padding: 1rem; display: grid; grid-template-columns: 12rem 1fr; gap: 0 2rem; }
header.site, #alert { grid-column: 1 / -1; }
header.site { display: flex; justify-content: space-between; align-items: center; }
body:not([data-list-id]) main { grid-column: 1 / -1; }
.brand { font-weight: 700; text-decoration: none; color: inherit; }
nav.sections { display: flex; gap: .8rem; margin-left: 1.2rem; }
nav.sections a[aria-current] { font-weight: 700; text-decoration: none; color: inherit; }
#connection { margin: 0; font-size: .85rem; padding: .15rem .6rem; border-radius: 1rem; background: #ddd; }
#connection[data-state="open"] { background: #cdeccd; }
#connection[data-state="connecting"] { background: #f7e1a8; }
.notice { background: #fde2e1; border: 1px solid #d33; padding: .5rem .75rem; border-radius: .3rem; }
ul.lists, ul.todos { list-style: none; padding: 0; }
ul.lists a[aria-current] { font-weight: 700; }
li.todo { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; padding: .4rem 0; border-bottom: 1px solid #ddd; }
li.todo form { display: flex; gap: .3rem; align-items: center; }
.edit input { width: 12rem; }
li.todo.done label { text-decoration: line-through; color: #777; }
.toggle { flex: 1 1 12rem; }
.list-actions form + form { margin-left: auto; }
form.inline, form.add, .list-actions { display: flex; gap: .4rem; align-items: center; flex-wrap: wrap; }
form.add { margin: 1rem 0; }
input[type="text"], input:not([type]) { padding: .3rem; font: inherit; }
button { font: inherit; padding: .25rem .6rem; cursor: pointer; }
button.danger { color: #a11; }
:focus-visible { outline: 3px solid #36c; outline-offset: 2px; }
.js .js-hidden { display: none; }
li.empty { color: #777; }
.account { display: flex; gap: .6rem; align-items: center; margin-left: auto; }
header.site #connection { margin-left: 1rem; }
.account-page { max-width: 22rem; }
.account-form { display: grid; gap: .3rem; }
.account-form button { justify-self: start; margin-top: .5rem; }
.account-form small { color: #666; }
small.shared, p.sharing { color: #666; }
section.sharing { margin: 1rem 0; }
section.sharing h2 { font-size: 1rem; margin: 0 0 .3rem; }
ul.members { list-style: none; padding: 0; }
ul.members li { display: flex; gap: .6rem; align-items: center; }
html:not(.js) .js-only { display: none; }
.js li.todo .toggle { flex: 0 0 auto; }
.js li.todo .toggle label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.title-slot { flex: 1 1 12rem; display: flex; flex-wrap: wrap; gap: .3rem .6rem; align-items: center; }
button.title { background: none; border: 1px solid transparent; border-radius: .3rem; padding: .25rem .35rem; text-align: left; cursor: text; }
button.title:hover { border-color: #ccc; }
li.todo.done button.title { text-decoration: line-through; color: #777; }
input.title-field { flex: 1 1 10rem; }
.editing-by { font-size: .85rem; color: #6b4500; background: #fbefd2; padding: .1rem .55rem; border-radius: 1rem; }
p.viewers { color: #555; font-size: .9rem; margin: .2rem 0 .6rem; }
#outbox { margin: 0 0 0 .5rem; font-size: .85rem; padding: .15rem .6rem; border-radius: 1rem; background: #f7e1a8; }
dialog.conflict { max-width: 28rem; border: 1px solid #999; border-radius: .4rem; padding: 1rem; }
dialog.conflict::backdrop { background: rgb(0 0 0 / .3); }
.conflict-actions { display: flex; gap: .6rem; justify-content: flex-end; }
@media (max-width: 40rem) { body { grid-template-columns: 1fr; } }
`;
