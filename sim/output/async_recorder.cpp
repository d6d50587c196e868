// Recording off the critical path: day records are copied and handed to a writer
// thread, so HDF5 compression overlaps the next days' moves (issue #4).
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "migflow/output/recorder.hpp"

namespace migflow {

namespace {

// A DayRecord that owns what it points to.
struct OwnedDay {
    DayState state;
    DayTally tally;
    DayRecord record;
};

class AsyncRecorder final : public Recorder {
public:
    explicit AsyncRecorder(Recorder& inner) : inner_(inner) {}
    ~AsyncRecorder() override { stop(); }

    void begin(const Scenario& s, const World& w, const RunInfo& info) override {
        inner_.begin(s, w, info);
        worker_ = std::thread([this] { work(); });
    }

    void record(const DayRecord& day) override {
        rethrow_worker_error();
        if (day.agents != nullptr) {
            // A snapshot reads the live agent store: write it in order, on this thread.
            drain();
            inner_.record(day);
            return;
        }
        auto owned = std::make_unique<OwnedDay>();
        owned->state = *day.state;
        owned->tally = *day.tally;
        owned->record = day;
        owned->record.state = &owned->state;
        owned->record.tally = &owned->tally;
        std::unique_lock lock(mutex_);
        // A short queue bounds the memory a slow disk can hold back.
        space_.wait(lock, [&] { return queue_.size() < max_queued || error_; });
        queue_.push_back(std::move(owned));
        ready_.notify_one();
    }

    void finish(const RunSummary& summary) override {
        drain();
        stop();
        rethrow_worker_error();
        inner_.finish(summary);
    }

private:
    static constexpr std::size_t max_queued = 8;

    void work() {
        for (;;) {
            std::unique_ptr<OwnedDay> day;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
                if (queue_.empty()) return;
                day = std::move(queue_.front());
            }
            try {
                if (!error_) inner_.record(day->record);
            } catch (...) {
                std::lock_guard lock(mutex_);
                error_ = std::current_exception();
            }
            std::lock_guard lock(mutex_);
            queue_.pop_front();
            space_.notify_all();
        }
    }

    // Waits until the writer has written everything queued so far.
    void drain() {
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return queue_.empty() || error_; });
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        if (worker_.joinable()) worker_.join();
    }

    void rethrow_worker_error() {
        std::lock_guard lock(mutex_);
        if (error_) std::rethrow_exception(error_);
    }

    Recorder& inner_;
    std::thread worker_;
    std::mutex mutex_;
    std::condition_variable ready_, space_;
    std::deque<std::unique_ptr<OwnedDay>> queue_;  // front: being written
    bool stopping_ = false;
    std::exception_ptr error_;
};

}  // namespace

std::unique_ptr<Recorder> make_async_recorder(Recorder& inner) {
    return std::make_unique<AsyncRecorder>(inner);
}

}  // namespace migflow
