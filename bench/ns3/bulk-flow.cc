// The engine's fidelity and speed scenario run by the peer simulator ns-3 (3.37, Debian's libns3-dev),
// for bench/ns3-compare.ts: one TCP NewReno bulk flow between two nodes over one point-to-point link,
// random packet loss on the data direction only. The set-up mirrors the engine's: no delayed ACKs, no
// SACK, no timestamps, no queue discipline in front of the device's drop-tail queue. Loss recovery is
// ns-3's default (PRR, RFC 6937): with it ns-3 lands 20 % and 12 % above the Mathis estimate at
// p = 0.005 and 0.01, the figures the engine's fidelity goal quotes (with 4 MB socket buffers; its
// goodput moves with their size, and 3.37 crashes with a 256 KB receive buffer beside a 1 MB send one).
//
// Prints one JSON object: goodput, delivered bytes, the number of events ns-3 executed, and the
// wall time of Simulator::Run.

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <chrono>
#include <cstdio>
#include <string>

using namespace ns3;

int main(int argc, char **argv) {
  double lossRate = 0.001;
  double durationS = 600;
  uint64_t bandwidthBps = 10000000;
  double delayMs = 50;
  uint32_t queuePackets = 1000;
  uint32_t mssBytes = 1000;
  uint32_t initialCwndSegments = 1;
  uint32_t rwndBytes = 4194304;
  uint32_t sndBufBytes = 4194304;
  uint32_t seed = 1;
  CommandLine cmd;
  cmd.AddValue("loss", "loss probability of a data packet", lossRate);
  cmd.AddValue("durationS", "simulated seconds", durationS);
  cmd.AddValue("bandwidthBps", "link bandwidth", bandwidthBps);
  cmd.AddValue("delayMs", "one-way propagation delay", delayMs);
  cmd.AddValue("queuePackets", "drop-tail queue limit", queuePackets);
  cmd.AddValue("mss", "maximum segment size", mssBytes);
  cmd.AddValue("initialCwnd", "initial congestion window in segments", initialCwndSegments);
  cmd.AddValue("rwndBytes", "receive buffer", rwndBytes);
  cmd.AddValue("sndBufBytes", "send buffer", sndBufBytes);
  cmd.AddValue("seed", "random seed", seed);
  cmd.Parse(argc, argv);
  RngSeedManager::SetSeed(seed);

  Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpNewReno::GetTypeId()));
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(mssBytes));
  Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(initialCwndSegments));
  Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(1));
  Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(rwndBytes));
  Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(sndBufBytes));
  Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(false));
  Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(false));

  NodeContainer nodes;
  nodes.Create(2);
  PointToPointHelper link;
  link.SetDeviceAttribute("DataRate", DataRateValue(DataRate(bandwidthBps)));
  link.SetChannelAttribute("Delay", TimeValue(MilliSeconds(delayMs)));
  link.SetQueue("ns3::DropTailQueue", "MaxSize", QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, queuePackets)));
  NetDeviceContainer devices = link.Install(nodes);
  // Loss on the data direction: packets the receiver's device receives.
  Ptr<RateErrorModel> loss = CreateObject<RateErrorModel>();
  loss->SetAttribute("ErrorUnit", EnumValue(RateErrorModel::ERROR_UNIT_PACKET));
  loss->SetAttribute("ErrorRate", DoubleValue(lossRate));
  devices.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(loss));

  InternetStackHelper stack;
  stack.Install(nodes);
  Ipv4AddressHelper addresses;
  addresses.SetBase("10.0.0.0", "255.255.255.0");
  Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
  TrafficControlHelper noQueueDiscipline;
  noQueueDiscipline.Uninstall(devices);

  const uint16_t port = 9;
  BulkSendHelper sender("ns3::TcpSocketFactory", InetSocketAddress(interfaces.GetAddress(1), port));
  sender.SetAttribute("MaxBytes", UintegerValue(0));
  sender.SetAttribute("SendSize", UintegerValue(mssBytes));
  ApplicationContainer senderApp = sender.Install(nodes.Get(0));
  PacketSinkHelper receiver("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
  ApplicationContainer receiverApp = receiver.Install(nodes.Get(1));
  senderApp.Start(Seconds(0));
  receiverApp.Start(Seconds(0));
  senderApp.Stop(Seconds(durationS));
  receiverApp.Stop(Seconds(durationS));
  Simulator::Stop(Seconds(durationS));

  const auto started = std::chrono::steady_clock::now();
  Simulator::Run();
  const double wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const uint64_t events = Simulator::GetEventCount();
  const uint64_t deliveredBytes = DynamicCast<PacketSink>(receiverApp.Get(0))->GetTotalRx();
  std::printf("{\"events\":%llu,\"wallMs\":%.1f,\"deliveredBytes\":%llu,\"goodputBps\":%.0f}\n",
              static_cast<unsigned long long>(events), wallMs, static_cast<unsigned long long>(deliveredBytes),
              deliveredBytes * 8.0 / durationS);
  std::fflush(stdout);
  Simulator::Destroy();
  return 0;
}
