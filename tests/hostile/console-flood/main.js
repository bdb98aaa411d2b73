// 1,500 console lines of 1 MiB each. Every line was kept in host memory, outside the JS heap
// limit (3.1 GB). Now a line is cut at 8 KiB and the log keeps the latest 5,000 lines / 4 MiB.
const big = 'x'.repeat(1 << 20);
let n = 0;
function flood() {
  for (let i = 0; i < 100 && n < 1500; i++, n++) console.log(big);
  if (n < 1500) setTimeout(flood, 0);
  else console.log('flood over');
}
setTimeout(flood, 0);
