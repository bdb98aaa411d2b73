// A million timers scheduled inside a timer. The timer list outgrew the JS heap, every wake then
// failed with `null` and was retried at once: the app thread livelocked logging (3 GB RSS). Now
// the 10,001st timer throws a RangeError, the 10,000 run, and the app goes on.
let waiting = 0;
const ran = () => {
  waiting -= 1;
  if (waiting === 0) setTimeout(() => console.log('a later timer runs'), 20);
};
setTimeout(() => {
  try {
    for (let i = 0; i < 1e6; i++) {
      setTimeout(ran, 1);
      waiting += 1;
    }
  } catch (e) {
    console.log(`caught after ${waiting} timers: ${e}`);
  }
}, 0);
