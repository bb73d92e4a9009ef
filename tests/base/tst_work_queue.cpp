// The one queue of background work and the one task shape (core/base).
#include "task_threads.h"
#include "work_queue.h"

#include <QTest>

#include <atomic>
#include <thread>

using namespace listinglens;

class TestWorkQueue : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Keys take turns; within a key, first in, first out.
    void keysTakeTurns()
    {
        WorkQueue<int> q(QueueLimits{100, 0});
        for (int i : {1, 2, 3, 4})
            QVERIFY(q.push(i, 0, QStringLiteral("flood")));
        for (int i : {10, 11})
            QVERIFY(q.push(i, 0, QStringLiteral("other")));
        int local = 20;
        QVERIFY(q.push(local)); // the empty key is a key too
        std::vector<int> order;
        for (auto item = q.popUpTo(1, false); !item.empty(); item = q.popUpTo(1, false))
            order.push_back(item.front());
        QCOMPARE(order, (std::vector<int>{1, 10, 20, 2, 11, 3, 4}));
    }

    // Bounded by count and by bytes; one item larger than the byte bound still
    // goes into an empty queue.
    void boundedByCountAndBytes()
    {
        WorkQueue<int> q(QueueLimits{3, 100});
        int a = 1, b = 2, c = 3, d = 4;
        QVERIFY(q.offer(a, 60, {}, nullptr));
        QVERIFY(q.hasRoom(40));
        QVERIFY(!q.hasRoom(41));
        QVERIFY(!q.offer(b, 41, {}, nullptr)); // over the bytes, and its own key holds the most
        QVERIFY(q.offer(b, 40, {}, nullptr));
        QVERIFY(q.offer(c, 0, {}, nullptr));  // a third of no bytes fits the count
        QVERIFY(!q.offer(d, 0, {}, nullptr)); // a fourth does not
        QCOMPARE(q.size(), std::size_t(3));
        QCOMPARE(q.bytes(), qint64(100));
        q.drain();
        int huge = 5;
        QVERIFY(q.offer(huge, 1'000, {}, nullptr));
        QCOMPARE(q.bytes(), qint64(1'000));
    }

    // A full queue: another key's item pushes out the newest item of the key
    // that holds the most, never the other way round.
    void offerPushesOutTheFloodNotTheOthers()
    {
        WorkQueue<int> q(QueueLimits{4, 0});
        std::vector<int> out;
        for (int i = 0; i < 10; ++i) {
            int item = i;
            if (!q.offer(item, 0, QStringLiteral("flood"), &out))
                out.push_back(item);
        }
        QCOMPARE(q.size(), std::size_t(4));
        QCOMPARE(int(out.size()), 6); // the flood's own later items
        int mine = 100;
        QVERIFY(q.offer(mine, 0, QStringLiteral("other"), &out));
        QCOMPARE(out.back(), 3); // the flood's newest queued item made room
        int second = 101;
        QVERIFY(q.offer(second, 0, QStringLiteral("other"), &out));
        QCOMPARE(out.back(), 2);
        int third = 102; // two each now: the other key may not push out an equal share
        QVERIFY(!q.offer(third, 0, QStringLiteral("other"), &out));
        std::vector<int> order;
        for (int item : q.drain())
            order.push_back(item);
        QCOMPARE(order, (std::vector<int>{0, 100, 1, 101}));
    }

    // push() waits for room; close() and a stop token end every wait.
    void waitsEndOnRoomCloseOrStop()
    {
        WorkQueue<int> q(QueueLimits{1, 0});
        int first = 1;
        QVERIFY(q.push(first));
        std::atomic_bool pushed{false};
        std::thread producer([&] {
            int second = 2;
            pushed = q.push(second);
        });
        QTest::qWait(50);
        QVERIFY(!pushed);
        QCOMPARE(q.pop().value(), 1);
        producer.join();
        QVERIFY(pushed);

        std::stop_source stop;
        std::thread blocked([&] {
            int third = 3;
            pushed = q.push(third, 0, {}, stop.get_token());
        });
        QTest::qWait(50);
        stop.request_stop();
        blocked.join();
        QVERIFY(!pushed);

        q.close();
        QCOMPARE(q.pop().value(), 2); // closed: what is left is still taken
        QVERIFY(!q.pop().has_value());
        int late = 4;
        QVERIFY(!q.push(late));
        QCOMPARE(late, 4); // refused, not moved from
    }

    // Task threads: the work runs on named threads until asked to stop; the
    // stop wakes a thread waiting on a queue.
    void taskThreadsStopAtTheNextStep()
    {
        WorkQueue<int> q(QueueLimits{100, 0});
        std::atomic_int done{0};
        std::vector<int> indexes(3, -1);
        TaskThreads threads;
        threads.start(QStringLiteral("test"), 3, [&](std::stop_token stop, int index) {
            indexes[std::size_t(index)] = index;
            while (auto item = q.pop(stop))
                done += *item;
        });
        QVERIFY(threads.running());
        for (int i = 1; i <= 10; ++i)
            QVERIFY(q.push(i));
        QTRY_COMPARE(done.load(), 55);
        threads.stop(); // they are all waiting in pop(): the token wakes them
        QVERIFY(!threads.running());
        QCOMPARE(indexes, (std::vector<int>{0, 1, 2}));
    }
};

QTEST_GUILESS_MAIN(TestWorkQueue)
#include "tst_work_queue.moc"
