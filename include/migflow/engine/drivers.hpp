#pragma once
// Time-varying region fields (docs/DESIGN.md §3): conflict, economy, climate for day t,
// with the scheduled shocks applied.
#include <Eigen/Core>
#include <vector>

#include "migflow/scenario/scenario.hpp"

namespace migflow {

struct DriverValues {
    Eigen::VectorXd conflict;
    Eigen::VectorXd economy;
    Eigen::VectorXd climate;

    Eigen::VectorXd& of(DriverKind k);
    const Eigen::VectorXd& of(DriverKind k) const;
};

// Value of one series on day t (step: last point at or before t; linear: interpolated).
double series_value(const TimeSeries& s, Interpolation how, double default_value, Day t);

// All drivers for day t, shocks applied; out is resized to the region count.
void evaluate_drivers(const Scenario& s, Day t, DriverValues& out);

}  // namespace migflow
