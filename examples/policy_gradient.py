"""Policy gradient on CartPole: REINFORCE with a learned baseline, trained with GradientTape.

The policy network maps the cart's state to the logits of pushing left or right; actions are sampled from
it with `tf.random.categorical`. After a batch of episodes, each action's log-probability is weighted by
its advantage (the discounted return that followed it, minus a value network's estimate of that return)
and the policy takes one gradient step up that weighted log-likelihood, plus a little entropy to keep
exploring (Williams, 1992). The value network learns the returns by regression in its own tape. The
environment is CartPole-v1 written in _common.py with gymnasium's equations (gymnasium's own is used when
it is installed).

    python examples/policy_gradient.py                     # full mode
    python examples/policy_gradient.py --quick             # a short run (what the tests run)

Quality bar (full mode, at most 300 updates of 8 episodes): the trained policy's average return over 100
consecutive episodes is >= 195 (CartPole's classic "solved" threshold; episodes are cut off at 500).
Quick mode (25 updates): average return over 20 episodes at least twice the untrained policy's.
"""
import time

import numpy as np

import gradfit as tf
from gradfit import keras

from _common import exit_code, finish, make_cartpole, parser

GAMMA = 0.99
EPISODES_PER_UPDATE = 8
ENTROPY_WEIGHT = 0.01
RETURN_SCALE = 100.0  # the value network predicts returns / RETURN_SCALE, targets near 1 rather than 100


def build_policy():
    """State -> logits of the two actions."""
    return keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(64, activation="tanh"),
        keras.layers.Dense(64, activation="tanh"),
        keras.layers.Dense(2),
    ], name="policy")


def build_value():
    """State -> the expected discounted return from it (the baseline)."""
    return keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(64, activation="tanh"),
        keras.layers.Dense(1),
    ], name="value")


def play(env, policy, seed=None):
    """One episode with actions sampled from the policy: its states, actions and rewards."""
    state, _ = env.reset(seed=seed)
    states, actions, rewards = [], [], []
    done = False
    while not done:
        action = int(tf.random.categorical(policy(state[None]), 1)[0, 0])
        states.append(state)
        actions.append(action)
        state, reward, terminated, truncated, _ = env.step(action)
        rewards.append(reward)
        done = terminated or truncated
    return states, actions, rewards


def discounted_returns(rewards):
    """G_t = r_t + gamma * G_(t+1), for every step of one episode."""
    returns = np.zeros(len(rewards), "float32")
    running = 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + GAMMA * running
        returns[t] = running
    return returns


class Reinforce:
    """The policy, the baseline, their optimizers, and one update from a batch of episodes."""

    def __init__(self):
        self.policy = build_policy()
        self.value = build_value()
        self.policy_optimizer = keras.optimizers.Adam(3e-3)
        self.value_optimizer = keras.optimizers.Adam(3e-3)

    def update(self, episodes):
        states = np.concatenate([np.array(s) for s, _, _ in episodes])
        actions = np.concatenate([np.array(a) for _, a, _ in episodes])
        returns = np.concatenate([discounted_returns(r) for _, _, r in episodes])

        advantages = returns - RETURN_SCALE * self.value(states)[:, 0]
        # Normalized advantages keep the step size steady as episodes grow from 10 to 500 steps.
        advantages = (advantages - tf.reduce_mean(advantages)) / (tf.math.reduce_std(advantages) + 1e-8)
        with tf.GradientTape() as tape:
            logits = self.policy(states, training=True)
            log_probs = -tf.nn.sparse_softmax_cross_entropy_with_logits(labels=actions, logits=logits)
            entropy = -tf.reduce_sum(tf.nn.softmax(logits) * tf.nn.log_softmax(logits), axis=1)
            loss = -tf.reduce_mean(log_probs * advantages) - ENTROPY_WEIGHT * tf.reduce_mean(entropy)
        grads = tape.gradient(loss, self.policy.trainable_variables)
        self.policy_optimizer.apply_gradients(zip(grads, self.policy.trainable_variables))

        with tf.GradientTape() as tape:
            value_loss = tf.reduce_mean(tf.square(returns / RETURN_SCALE - self.value(states, training=True)[:, 0]))
        grads = tape.gradient(value_loss, self.value.trainable_variables)
        self.value_optimizer.apply_gradients(zip(grads, self.value.trainable_variables))


def average_return(policy, episodes, seed):
    env = make_cartpole()
    return float(np.mean([sum(play(env, policy, seed=seed + i)[2]) for i in range(episodes)]))


def main(argv=None):
    args_parser = parser(__doc__)
    args_parser.add_argument("--updates", type=int, default=300, help="most policy updates")
    args = args_parser.parse_args(argv)
    updates, episodes = (25, 20) if args.quick else (args.updates, 100)

    keras.utils.set_random_seed(args.seed)
    agent = Reinforce()
    untrained = average_return(agent.policy, episodes, seed=1_000_000)
    env = make_cartpole()
    env.reset(seed=args.seed)
    recent = []
    start = time.perf_counter()
    for update in range(1, updates + 1):
        batch = [play(env, agent.policy) for _ in range(EPISODES_PER_UPDATE)]
        agent.update(batch)
        recent = (recent + [sum(r) for _, _, r in batch])[-100:]
        if update % 10 == 0:
            print(f"update {update:4d}  average return of the last 100 episodes {np.mean(recent):6.1f}")
        # Solved during training: stop once the last 100 episodes average 475 or more.
        if len(recent) == 100 and np.mean(recent) >= 475:
            break
    seconds = time.perf_counter() - start

    trained = average_return(agent.policy, episodes, seed=1_000_000)
    results = {"updates": update, "episodes played": update * EPISODES_PER_UPDATE,
               f"untrained average return ({episodes} episodes)": untrained,
               f"trained average return ({episodes} episodes)": trained, "training seconds": seconds}
    if args.quick:
        bar, met = "average return >= 2 x the untrained policy's", trained >= 2 * untrained
    else:
        bar, met = "average return over 100 consecutive episodes >= 195", trained >= 195
    return finish(results, bar, met, args.quick)


if __name__ == "__main__":
    raise SystemExit(exit_code(main()))
