"""Shared pieces of the jepa-agent launch files: the node runs as the `jepa-agent` executable."""
import os

from launch.actions import DeclareLaunchArgument, ExecuteProcess
from launch.substitutions import LaunchConfiguration

HERE = os.path.dirname(os.path.abspath(__file__))


def params_path(name):
    return os.path.join(HERE, 'params', name)


def agent_arguments(default_params):
    return [
        DeclareLaunchArgument('jepa_agent', default_value='jepa-agent',
                              description='the jepa-agent executable (on PATH after `npm link`, or a path to dist/src/cli/main.js)'),
        DeclareLaunchArgument('params', default_value=params_path(default_params),
                              description='ROS 2 params YAML of the jepa_agent node'),
    ]


def agent_process(extra=None):
    """`jepa-agent run --params FILE`: SIGINT on shutdown gives a safe stop and a checkpoint."""
    cmd = [LaunchConfiguration('jepa_agent'), 'run', '--params', LaunchConfiguration('params')]
    return ExecuteProcess(
        cmd=cmd + (extra or []),
        name='jepa_agent',
        output='screen',
        # launch sends SIGINT first; saving a checkpoint can take a few seconds.
        sigterm_timeout='20',
    )
