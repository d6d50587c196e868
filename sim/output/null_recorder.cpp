// A recorder that keeps nothing: for the processes of a run that do not write its file.
#include "migflow/output/recorder.hpp"

namespace migflow {

namespace {
class NullRecorder final : public Recorder {
public:
    void begin(const Scenario&, const World&, const RunInfo&) override {}
    void record(const DayRecord&) override {}
    void finish(const RunSummary&) override {}
};
}  // namespace

std::unique_ptr<Recorder> make_null_recorder() { return std::make_unique<NullRecorder>(); }

}  // namespace migflow
