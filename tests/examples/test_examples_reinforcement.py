"""The reinforcement-learning examples in --quick mode, and the CartPole they share."""
import numpy as np
import pytest

from gradfit import keras

import dqn_cartpole
import policy_gradient
from _common import CartPole


def test_cartpole_follows_gymnasium_cartpole_v1_exactly():
    # Reference from gymnasium 1.4 CartPole-v1: reset(seed=0), then these pushes; the pole falls on the 15th.
    env = CartPole()
    env.reset()
    env.state = [0.013696168732145436, -0.02302132862361297, -0.045902647606380534, -0.04834723644714709]
    actions = [1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1]
    for step, action in enumerate(actions, 1):
        observation, reward, terminated, truncated, _ = env.step(action)
        assert reward == 1.0 and not truncated
        assert terminated == (step == len(actions))
    np.testing.assert_allclose(env.state, [0.08318137366564626, 0.5827728946283219, -0.22253534331746658,
                                           -1.4076886691174424], rtol=1e-12)
    assert observation.dtype == np.float32


def test_cartpole_cuts_episodes_off_at_500_steps():
    env = CartPole()
    env.reset(seed=0)
    env.x_threshold = env.theta_threshold = float("inf")  # never falls
    for _ in range(499):
        assert not env.step(0)[3]
    _, _, terminated, truncated, _ = env.step(0)
    assert truncated and not terminated


def test_cartpole_reset_with_a_seed_is_repeatable():
    a, b = CartPole(), CartPole()
    np.testing.assert_array_equal(a.reset(seed=3)[0], b.reset(seed=3)[0])
    assert np.all(np.abs(a.reset(seed=4)[0]) <= 0.05)


def test_dqn_learns_to_balance_better_than_chance():
    results = dqn_cartpole.main(["--quick"])
    assert results["bar_met"]
    assert results["greedy average return (20 episodes)"] >= 2 * results["random average return (20 episodes)"]


def test_dqn_targets_move_only_the_taken_actions_value():
    keras.utils.set_random_seed(0)
    q_network = dqn_cartpole.build_q_network()
    target_network = keras.models.clone_model(q_network)
    target_network.set_weights(q_network.get_weights())
    rng = np.random.default_rng(0)
    states = rng.uniform(-0.05, 0.05, (4, 4)).astype("float32")
    batch = (states, np.array([0, 1, 0, 1]), np.ones(4, "float32"), states, np.array([0, 0, 1, 1], "float32"))
    seen = {}
    q_network.train_on_batch = lambda x, y: seen.update(x=x, y=y)
    before = q_network.predict_on_batch(states)
    dqn_cartpole.learn(q_network, target_network, batch)
    untaken = 1 - batch[1]
    np.testing.assert_array_equal(seen["y"][np.arange(4), untaken], before[np.arange(4), untaken])
    # A terminated transition's target is its reward alone; the others bootstrap from the target network.
    np.testing.assert_allclose(seen["y"][[2, 3], [0, 1]], [1.0, 1.0])
    next_values = target_network.predict_on_batch(states)
    best_next = q_network.predict_on_batch(states).argmax(axis=1)
    expected = 1.0 + dqn_cartpole.GAMMA * next_values[np.arange(4), best_next]
    np.testing.assert_allclose(seen["y"][[0, 1], [0, 1]], expected[:2], rtol=1e-6)


def test_replay_buffer_keeps_the_latest_transitions():
    buffer = dqn_cartpole.ReplayBuffer(3, np.random.default_rng(0))
    for i in range(5):
        buffer.add(np.full(4, i), i % 2, float(i), np.full(4, i + 1), False)
    assert buffer.size == 3
    states, actions, rewards, _, _ = buffer.sample(50)
    assert set(rewards.tolist()) == {2.0, 3.0, 4.0}
    np.testing.assert_array_equal(states[:, 0], rewards)


def test_policy_gradient_improves_on_the_untrained_policy():
    results = policy_gradient.main(["--quick"])
    assert results["bar_met"]
    assert results["trained average return (20 episodes)"] >= 2 * results["untrained average return (20 episodes)"]


@pytest.mark.parametrize("rewards, expected", [([1.0], [1.0]), ([1.0, 1.0, 1.0], [2.9701, 1.99, 1.0])])
def test_discounted_returns(rewards, expected):
    np.testing.assert_allclose(policy_gradient.discounted_returns(rewards), expected, rtol=1e-6)
