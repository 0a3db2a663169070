package io.mysqlha.port;

/** Time, as code and tests both see it. */
public interface Clock {
    /** Monotonic nanoseconds, for durations and deadlines. */
    long nanoTime();

    /** Wall-clock milliseconds since the epoch, for records. */
    long wallMillis();

    /** Sleeps (tests may advance time instead). */
    void sleepMillis(long ms) throws InterruptedException;

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public void sleepMillis(long ms) throws InterruptedException {
            Thread.sleep(ms);
        }
    };
}
