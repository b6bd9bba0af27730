/**
 * The poll pages' own styles, served at `/assets/polls.css` after the site's stylesheet:
 * the creation form and the results chart (plain boxes whose width is the answer's share).
 */
export const POLLS_STYLESHEET = `
ul.polls { list-style: none; padding: 0; }
ul.polls li { padding: .3rem 0; border-bottom: 1px solid #ddd; }
ul.polls small, .byline { color: #666; }
form.new-poll { display: grid; gap: .3rem; max-width: 32rem; margin: 1.5rem 0; }
form.new-poll h2 { font-size: 1.1rem; margin: 0 0 .3rem; }
form.new-poll button { justify-self: start; margin-top: .4rem; }
form.new-poll textarea { font: inherit; padding: .3rem; }
form.vote fieldset { display: grid; gap: .35rem; border: 1px solid #ccc; border-radius: .3rem; padding: .6rem .9rem; max-width: 32rem; }
form.vote button { margin-top: .6rem; }
.results-section { margin: 1.5rem 0; max-width: 40rem; }
.results-section h2 { font-size: 1.1rem; }
ul.results { list-style: none; padding: 0; display: grid; gap: .5rem; }
li.result { display: grid; grid-template-columns: minmax(6rem, 12rem) 1fr 5.5rem; gap: .6rem; align-items: center; }
.track { background: #e4e4e0; border-radius: .25rem; height: 1.4rem; overflow: hidden; }
.bar { display: block; height: 100%; background: #3a6fd8; transition: width .3s ease; }
.count { text-align: right; font-variant-numeric: tabular-nums; }
p.total { color: #444; }
@media (prefers-reduced-motion: reduce) { .bar { transition: none; } }
`;
