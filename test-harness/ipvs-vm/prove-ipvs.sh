# Runs inside the VM (see selftest): real IPVS, real ipvsadm, and the JVM.
set -e
echo "uptime-at-start $(cut -d' ' -f1 /proc/uptime)"
ipvsadm -A -t 10.0.0.1:3306 -s wrr
ipvsadm -a -t 10.0.0.1:3306 -r 10.0.0.2:3306 -g -w 1
ipvsadm --save -n
java -version
echo "uptime-at-end $(cut -d' ' -f1 /proc/uptime)"
