// Promise rejections nobody handles, by the hundred thousand, for seconds: 3.3 M log lines in
// 15 s. Now at most 16 a turn are logged, with a count of the rest, and the log is bounded.
let turns = 0;
function storm() {
  for (let i = 0; i < 100000; i++) Promise.reject(new Error(`rejection ${i}`));
  turns += 1;
  if (performance.now() < 4000) setTimeout(storm, 0);
  else console.log(`storm over after ${turns} turns`);
}
setTimeout(storm, 0);
