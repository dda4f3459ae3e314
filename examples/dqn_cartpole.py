"""Deep Q-learning (DQN) on CartPole: a replay buffer, a target network, acting with `predict_on_batch` and
learning with `train_on_batch`.

The Q-network maps the cart's state (position, velocity, pole angle, angular velocity) to the value of
pushing left or right. It acts epsilon-greedily; every transition goes into a replay buffer; every step it
learns from a random minibatch of old transitions with `train_on_batch`, against targets computed by a
target network (a copy that trails the Q-network, moved 0.5% of the way toward it each step), with the Double-DQN choice of the next action
(Mnih et al., 2015; van Hasselt et al., 2016). Greedy evaluations along the way keep the best weights.
The environment is CartPole-v1 written in _common.py with gymnasium's equations (gymnasium's own is used when
it is installed).

    python examples/dqn_cartpole.py                        # full mode
    python examples/dqn_cartpole.py --quick                # a short run (what the tests run)

Quality bar (full mode, at most 60000 environment steps): the greedy policy's average return over 100
consecutive episodes is >= 195 (CartPole's classic "solved" threshold; episodes are cut off at 500).
Quick mode (4000 steps): average return over 20 episodes at least twice a random policy's.
"""
import math
import time

import numpy as np

import gradfit as tf  # noqa: F401  (the TensorFlow-style namespace, as a Keras script imports it)
from gradfit import keras

from _common import exit_code, finish, make_cartpole, parser

GAMMA = 0.99
BATCH_SIZE = 128
TARGET_UPDATE_RATE = 0.005  # each step, the target network moves this fraction of the way to the Q-network
LEARNING_STARTS = 1000  # transitions collected before the first update


def build_q_network():
    """State -> one Q-value per action."""
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(2),
    ])
    model.compile(optimizer=keras.optimizers.Adam(5e-4), loss="mse")
    return model


class ReplayBuffer:
    """The last `capacity` transitions, sampled uniformly."""

    def __init__(self, capacity, rng):
        self.states = np.zeros((capacity, 4), "float32")
        self.actions = np.zeros(capacity, "int64")
        self.rewards = np.zeros(capacity, "float32")
        self.next_states = np.zeros((capacity, 4), "float32")
        self.terminated = np.zeros(capacity, "float32")
        self.capacity, self.size, self.next_index, self.rng = capacity, 0, 0, rng

    def add(self, state, action, reward, next_state, terminated):
        i = self.next_index
        self.states[i], self.actions[i], self.rewards[i] = state, action, reward
        self.next_states[i], self.terminated[i] = next_state, terminated
        self.next_index = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size):
        i = self.rng.integers(0, self.size, batch_size)
        return self.states[i], self.actions[i], self.rewards[i], self.next_states[i], self.terminated[i]


def learn(q_network, target_network, batch):
    """One train_on_batch toward the Double-DQN targets; the Q-values of untaken actions are their own
    targets, so only the taken action's value is pulled."""
    states, actions, rewards, next_states, terminated = batch
    targets = q_network.predict_on_batch(states)
    next_actions = q_network.predict_on_batch(next_states).argmax(axis=1)
    next_values = target_network.predict_on_batch(next_states)[np.arange(len(actions)), next_actions]
    # A pole that fell has no future; an episode cut off at 500 steps still does (it bootstraps).
    targets[np.arange(len(actions)), actions] = rewards + GAMMA * (1.0 - terminated) * next_values
    return q_network.train_on_batch(states, targets)


def greedy_returns(q_network, episodes, seed):
    """Returns of `episodes` consecutive episodes of the greedy policy."""
    env = make_cartpole()
    returns = []
    for episode in range(episodes):
        state, _ = env.reset(seed=seed + episode)
        total, done = 0.0, False
        while not done:
            action = int(q_network(state[None], training=False).numpy().argmax())
            state, reward, terminated, truncated, _ = env.step(action)
            total += reward
            done = terminated or truncated
        returns.append(total)
    return returns


def random_returns(episodes, seed):
    env, rng = make_cartpole(), np.random.default_rng(seed)
    returns = []
    for episode in range(episodes):
        env.reset(seed=seed + episode)
        total, done = 0.0, False
        while not done:
            _, reward, terminated, truncated, _ = env.step(int(rng.integers(2)))
            total += reward
            done = terminated or truncated
        returns.append(total)
    return returns


def train(q_network, total_steps, seed, evaluate_every, verbose=True):
    """Epsilon-greedy DQN for `total_steps` environment steps. Every `evaluate_every` steps the greedy policy
    plays 10 episodes; the weights of the best evaluation are restored at the end (training stops early
    once an evaluation scores the maximum, 500)."""
    rng = np.random.default_rng(seed)
    target_network = keras.models.clone_model(q_network)
    target_network.set_weights(q_network.get_weights())
    buffer = ReplayBuffer(50_000, rng)
    env = make_cartpole()
    state, _ = env.reset(seed=seed)
    episode_return, episode_returns = 0.0, []
    best_score, best_weights = -1.0, q_network.get_weights()
    for step in range(1, total_steps + 1):
        epsilon = 0.05 + 0.85 * math.exp(-step / 1000)
        if rng.random() < epsilon:
            action = int(rng.integers(2))
        else:
            action = int(q_network.predict_on_batch(state[None]).argmax())
        next_state, reward, terminated, truncated, _ = env.step(action)
        buffer.add(state, action, reward, next_state, terminated)
        state, episode_return = next_state, episode_return + reward
        if terminated or truncated:
            episode_returns.append(episode_return)
            state, _ = env.reset()
            episode_return = 0.0
        if buffer.size >= LEARNING_STARTS:
            learn(q_network, target_network, buffer.sample(BATCH_SIZE))
            for target, online in zip(target_network.weights, q_network.weights):
                target.assign(TARGET_UPDATE_RATE * online + (1.0 - TARGET_UPDATE_RATE) * target)
        if step % evaluate_every == 0:
            score = float(np.mean(greedy_returns(q_network, 10, seed=10_000 + step)))
            if score >= best_score:
                best_score, best_weights = score, q_network.get_weights()
            if verbose:
                recent = np.mean(episode_returns[-20:]) if episode_returns else 0.0
                print(f"step {step:6d}  episodes {len(episode_returns):4d}  epsilon {epsilon:.2f}  "
                      f"training return (last 20) {recent:6.1f}  greedy evaluation {score:6.1f}")
            if score >= 500:
                break
    q_network.set_weights(best_weights)
    return step


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--steps", type=int, default=60_000, help="most environment steps")
    args = args_parser.parse_args(argv)
    steps, evaluate_every, episodes = (4000, 1000, 20) if args.quick else (args.steps, 2500, 100)

    keras.utils.set_random_seed(args.seed)
    q_network = build_q_network()
    start = time.perf_counter()
    steps_run = train(q_network, steps, args.seed, evaluate_every)
    seconds = time.perf_counter() - start

    returns = greedy_returns(q_network, episodes, seed=1_000_000)
    baseline = random_returns(episodes, seed=1_000_000)
    average = float(np.mean(returns))
    results = {"environment steps": steps_run, f"greedy average return ({episodes} episodes)": average,
               f"random average return ({episodes} episodes)": float(np.mean(baseline)),
               "training seconds": seconds}
    if args.quick:
        bar, met = "average return >= 2 x a random policy's", average >= 2 * np.mean(baseline)
    else:
        bar, met = "average return over 100 consecutive episodes >= 195", average >= 195
    return finish(results, bar, met, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))
