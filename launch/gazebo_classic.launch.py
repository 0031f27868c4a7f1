"""jepa_agent on an arm in Gazebo Classic (gazebo_ros camera plugins, gazebo_ros2_control).

Start Gazebo Classic with your arm, its depth camera and its controllers first; then:

  ros2 launch launch/gazebo_classic.launch.py params:=/path/to/your.yaml
"""
import os
import sys

from launch import LaunchDescription

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import agent_arguments, agent_process  # noqa: E402


def generate_launch_description():
    return LaunchDescription([*agent_arguments('gazebo_classic.yaml'), agent_process()])
