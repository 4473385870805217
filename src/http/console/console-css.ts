/** The console's styles, served at /admin/static/console.css (the pages allow no inline style). */
export const CONSOLE_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #1d2330; color: #fff; }
header a { color: #cfe0ff; margin-right: .8rem; }
header .sign-out { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
main { padding: 1rem 1.2rem; max-width: 72rem; }
section { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: .4rem 1rem .8rem; margin-bottom: 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; } h3 { font-size: 1rem; }
dl.figures { display: grid; grid-template-columns: max-content max-content; gap: .2rem 1rem; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; } dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eceff3; }
.state.ok { color: #137333; font-weight: 600; } .state.bad { color: #b3261e; font-weight: 600; }
.banner { background: #fff4d6; padding: .5rem 1.2rem; margin: 0; }
.flash, .notice { background: #e6f4ea; padding: .5rem .8rem; }
.error, .problems { background: #fce8e6; padding: .5rem .8rem; }
.hint { color: #5f6673; }
form.login { display: grid; gap: .6rem; max-width: 20rem; }
form.login label { display: grid; gap: .2rem; }
pre { overflow: auto; max-height: 40rem; background: #f3f4f6; padding: .6rem; font-size: 12px; }
td form { margin: 0; } .paging a { margin-right: 1rem; }
figure.chart { margin: .6rem 0 0; } figure.chart figcaption { margin-bottom: .3rem; }
svg.bars { display: block; width: 100%; max-width: 48rem; height: auto; font-size: 10px; }
svg.bars .axis { stroke: #aab1bd; } svg.bars .hit { fill: transparent; } svg.bars .value { fill: #3b6fd4; }
svg.bars .current .value { fill: #8fb0ec; } svg.bars .bar:hover .value { fill: #1d4fb0; }
svg.bars .count { fill: #1d2330; } svg.bars .hour { fill: #5f6673; }
`;
