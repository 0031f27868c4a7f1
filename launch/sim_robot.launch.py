"""The whole ROS 2 path without Gazebo: `jepa-agent sim-robot` (the embedded simulator as a
robot) and `jepa-agent run` driving it through MoveIt-Servo-style twists.

  ros2 launch launch/sim_robot.launch.py
"""
import os
import sys

from launch import LaunchDescription
from launch.actions import ExecuteProcess
from launch.substitutions import LaunchConfiguration

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import agent_arguments, agent_process  # noqa: E402


def generate_launch_description():
    return LaunchDescription([
        *agent_arguments('sim_robot.yaml'),
        ExecuteProcess(
            cmd=[LaunchConfiguration('jepa_agent'), 'sim-robot', '--params', LaunchConfiguration('params')],
            name='jepa_sim_robot',
            output='screen',
        ),
        agent_process(),
    ])
