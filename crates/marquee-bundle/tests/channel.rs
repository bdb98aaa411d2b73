//! Rollout buckets and release selection.

use std::collections::BTreeSet;

use marquee_bundle::channel::{Device, bucket, in_rollout, version_at_least};
use marquee_bundle::{BundleId, Channel, Release, Status};

fn id(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn release(n: u8, rollout: f64, status: Status) -> Release {
    Release { bundle: id(n), version: format!("1.0.{n}"), engine_abi: 4, min_host: "0.1.0".into(), rollout, status }
}

fn ids(count: usize) -> impl Iterator<Item = String> {
    (0..count).map(|i| format!("device-{i}"))
}

#[test]
fn shares_are_within_half_a_point_over_100_000_ids() {
    let salt = id(7);
    let buckets: Vec<u32> = ids(100_000).map(|d| bucket(&d, &salt)).collect();
    for percent in [1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 99.0] {
        let on = buckets.iter().filter(|&&b| b < (percent * 100.0) as u32).count();
        let share = on as f64 / 1000.0;
        assert!((share - percent).abs() <= 0.5, "{percent}%: {share}% of devices");
    }
}

#[test]
fn raising_a_rollout_only_adds_devices() {
    let salt = id(9);
    let steps = [0.0, 1.0, 5.0, 25.0, 50.0, 100.0];
    for device in ids(20_000) {
        let inside: Vec<bool> = steps.iter().map(|&p| in_rollout(&device, &salt, p)).collect();
        // Once in, in at every higher percentage.
        assert!(inside.windows(2).all(|w| !w[0] || w[1]), "{device}: {inside:?}");
        assert!(!inside[0] && inside[5]);
    }
}

#[test]
fn releases_draw_their_first_devices_from_different_parts_of_the_fleet() {
    let first = |salt: &str| -> BTreeSet<String> { ids(10_000).filter(|d| in_rollout(d, salt, 5.0)).collect() };
    let (a, b) = (first(&id(1)), first(&id(2)));
    // Independent 5% samples share about 5% of their members, not all of them.
    assert!(a.intersection(&b).count() < a.len() / 4);
}

fn pick(channel: &Channel, device: &str, current: Option<u8>, failed: &[u8]) -> Option<String> {
    let current = current.map(|n| BundleId(id(n)));
    let failed: BTreeSet<BundleId> = failed.iter().map(|&n| BundleId(id(n))).collect();
    let d = Device { id: device, host_version: "0.1.0", engine_abi: 4, current: current.as_ref(), failed: &failed };
    channel.select(&d).map(|b| b.0)
}

/// A device inside and one outside a 50% rollout of bundle 2.
fn devices() -> (String, String) {
    let inside = ids(100).find(|d| in_rollout(d, &id(2), 50.0)).unwrap();
    let outside = ids(100).find(|d| !in_rollout(d, &id(2), 50.0)).unwrap();
    (inside, outside)
}

#[test]
fn the_newest_release_offered_to_a_device_wins() {
    let (inside, outside) = devices();
    let mut c = Channel::new("beta");
    c.releases = vec![release(1, 100.0, Status::Active), release(2, 50.0, Status::Active)];
    assert_eq!(pick(&c, &inside, None, &[]), Some(id(2)));
    assert_eq!(pick(&c, &outside, None, &[]), Some(id(1)));
    assert_eq!(pick(&c, &outside, Some(1), &[]), Some(id(1)));
    // A release that failed on the device is never picked again.
    assert_eq!(pick(&c, &inside, Some(1), &[2]), Some(id(1)));
}

#[test]
fn halting_stops_a_rollout_where_it_is_and_withdrawing_rolls_it_back() {
    let (inside, _) = devices();
    let mut c = Channel::new("beta");
    c.releases = vec![release(1, 100.0, Status::Active), release(2, 50.0, Status::Halted)];
    assert_eq!(pick(&c, &inside, Some(1), &[]), Some(id(1)), "a halted release takes no new devices");
    assert_eq!(pick(&c, &inside, Some(2), &[]), Some(id(2)), "devices on a halted release keep it");
    c.releases[1].status = Status::Withdrawn;
    assert_eq!(pick(&c, &inside, Some(2), &[]), Some(id(1)), "a withdrawn release sends its devices back");
}

#[test]
fn lowering_a_rollout_does_not_move_devices_back() {
    let (inside, _) = devices();
    let mut c = Channel::new("beta");
    c.releases = vec![release(1, 100.0, Status::Active), release(2, 0.0, Status::Active)];
    assert_eq!(pick(&c, &inside, Some(2), &[]), Some(id(2)));
    assert_eq!(pick(&c, &inside, Some(1), &[]), Some(id(1)));
}

#[test]
fn incompatible_releases_are_skipped() {
    let mut c = Channel::new("stable");
    let mut newer_abi = release(2, 100.0, Status::Active);
    newer_abi.engine_abi = 5;
    let mut newer_host = release(3, 100.0, Status::Active);
    newer_host.min_host = "0.2.0".into();
    c.releases = vec![release(1, 100.0, Status::Active), newer_abi, newer_host];
    assert_eq!(pick(&c, "tv", None, &[]), Some(id(1)));
    assert_eq!(pick(&Channel::new("empty"), "tv", None, &[]), None);
}

#[test]
fn versions_compare_numerically() {
    assert!(version_at_least("0.1.10", "0.1.9"));
    assert!(version_at_least("1.2", "1.2.0"));
    assert!(!version_at_least("0.1.0", "0.2.0"));
    assert!(version_at_least("2.0.0-beta", "2.0.0"));
}

#[test]
fn malformed_channels_are_refused() {
    let mut c = Channel::new("beta");
    c.releases = vec![release(1, 100.0, Status::Active)];
    let good = c.to_bytes();
    assert_eq!(Channel::parse(&good).unwrap(), c);
    for (what, bad) in [
        ("rollout over 100", String::from_utf8(good.clone()).unwrap().replace("100.0", "150.0")),
        ("unknown field", String::from_utf8(good.clone()).unwrap().replace("\"format\"", "\"extra\": 1, \"format\"")),
        ("bad bundle id", String::from_utf8(good.clone()).unwrap().replace(&id(1), "../../etc/passwd")),
        ("not JSON", "{".to_string()),
    ] {
        assert!(Channel::parse(bad.as_bytes()).is_err(), "{what} was accepted");
    }
    let mut twice = c.clone();
    twice.releases.push(release(1, 50.0, Status::Active));
    assert!(Channel::parse(&twice.to_bytes()).is_err());
}
